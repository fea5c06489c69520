package io.shoreloop.registry;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.UUID;

/** A berth (泊位) in a port, with its terminal kind and shore-power supply. */
@Entity
@Table(name = "berth")
public class Berth extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "port_id", nullable = false)
    public UUID portId;

    @Column(nullable = false)
    public String code;

    @Column(nullable = false)
    public String name;

    @Enumerated(EnumType.STRING)
    @Column(name = "terminal_kind", nullable = false)
    public TerminalKind terminalKind;

    @Embedded
    public ShorePower shorePower = new ShorePower();

    @Column(nullable = false)
    public boolean active = true;

    @Version
    public long version;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
