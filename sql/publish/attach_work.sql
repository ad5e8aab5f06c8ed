-- The run's finished work file, read-only, as the source of the serving file.
ATTACH $work_file AS work (READ_ONLY)
