{{ planalign_stage('config_pay_bands', min_pay_cents='dollars min_pay', adjustment='integer') }}
