-- Which request replayed a dead letter: the SHA-256 of the replaying user and the request's Idempotency-Key, so that
-- that request sent again (after a crash lost its stored answer, or twice at once) gets the letter as replayed instead
-- of 409 dead-letter-already-replayed (DeadLetterReplay).
alter table dead_letter add column replay_key text;
