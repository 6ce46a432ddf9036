{{ planalign_stage('config_tiers', tier='integer entry', up_to='bigint', rate='bigint') }}
