{{ planalign_stage('config_age_bands', min_age='integer', rate='integer') }}
