-- Checkpoints by the end of the range they cover: the verification of an entry authenticated with a retired key finds
-- the checkpoint that covers it (KeyEras.coverageProblem) and counts the entries of that range.
create index ledger_checkpoint_covered_to_idx on ledger_checkpoint (covered_to, seq);

-- The dead letters a replay request replayed, by its key: the bulk replay sent again finds them (DeadLetterReplay).
create index dead_letter_replay_key_idx on dead_letter (replay_key) where replay_key is not null;
