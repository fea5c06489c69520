-- The signed checkpoints cannot be emptied, as the ledger entries cannot (V2 refused their updates and deletes
-- only): a TRUNCATE let the checkpoints start again from the first entry and sign a rewritten ledger.
create trigger ledger_checkpoint_no_truncate before truncate on ledger_checkpoint
    for each statement execute function ledger_entry_is_append_only();
