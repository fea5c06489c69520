package io.shoreloop.manifest;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.util.UUID;
import org.hibernate.annotations.Immutable;

/**
 * The parties of a signed step, read on their own (for queries only; steps are written with their manifest): who
 * signed it and whom it named to take the batch next. Lists that show a party its manifests ask this table for their
 * ids through its party indexes, without reading the manifests first.
 */
@Entity
@Table(name = "manifest_step")
@Immutable
@IdClass(StepParties.Key.class)
class StepParties {

    /** The primary key of a step. */
    record Key(UUID manifestId, int seq) implements Serializable {}

    @Id
    @Column(name = "manifest_id")
    UUID manifestId;

    @Id
    int seq;

    @Column(name = "party_id")
    UUID partyId;

    @Column(name = "next_party_id")
    UUID nextPartyId;

    protected StepParties() {}
}
