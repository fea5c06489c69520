-- The names of a step's parties and user as they were when it was signed: the signing party's (a facility's or a
-- vessel's), the user's, and the party it handed over to. They are part of the step's signed content, so the copy of
-- record and its verification page show the names the parties signed under, not the master data of the day they are
-- read (a facility renamed later changed every copy of record it had signed). Steps signed before V35 have none; their
-- copies show the current names, as before.
alter table manifest_step
    add column party_name text,
    add column user_name text,
    add column next_party_name text;
