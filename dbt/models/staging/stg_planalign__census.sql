{{ planalign_stage('census', employee_id='varchar', birth_date='date', hire_date='date',
    termination_date='date', job_level='smallint', compensation_cents='bigint',
    deferral_units='integer') }}
