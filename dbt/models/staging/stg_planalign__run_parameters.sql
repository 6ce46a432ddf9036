{{ planalign_stage('run_parameters', scenario_id='varchar', plan_design_id='varchar',
    seed='ubigint', scenario_key='ubigint', start_year='integer', years='integer') }}
