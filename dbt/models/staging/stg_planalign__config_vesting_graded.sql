{{ planalign_stage('config_graded', years_of_service='integer years',
    vested_units='bigint percent') }}
