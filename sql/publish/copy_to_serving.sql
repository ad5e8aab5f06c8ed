-- Every schema, table (with its constraints), view, table macro and comment of the work file, into the
-- serving file; DETACH checkpoints it, so the file is complete on disk.
COPY FROM DATABASE work TO serving;
DETACH serving;
DETACH work;
