{{ planalign_stage('config_tenure_bands', min_tenure='integer', rate='integer') }}
