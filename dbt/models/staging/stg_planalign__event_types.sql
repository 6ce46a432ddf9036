{{ planalign_stage('event_types', event_type='varchar', type_code='integer') }}
