{{ planalign_stage('config_levels', job_level='smallint level', pay_min_cents='dollars pay_min',
    pay_max_cents='dollars pay_max', merit_rate='integer', promotion_rate='integer',
    termination_adjustment='integer', hire_weight='integer', census_weight='integer') }}
