{{ planalign_stage('config_deferral_rates', entry='integer', rate='integer', weight='integer') }}
