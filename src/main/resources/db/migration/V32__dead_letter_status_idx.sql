-- Status messages kept as dead letters, by topic: a status already kept is not kept again (the broker sends a
-- meter's retained status at every subscription; ShorePowerIngest.writeDeadLetters asks this index first).
create index dead_letter_status_idx on dead_letter (topic) where topic like '%/status';
