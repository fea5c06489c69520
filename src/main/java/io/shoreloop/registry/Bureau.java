package io.shoreloop.registry;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

/**
 * A supervising bureau (海事局, 交通局, 生态环境局, 住建委, 城管) and its jurisdiction: the ports its users read inside.
 */
@Entity
@Table(name = "bureau")
public class Bureau extends PanacheEntityBase {

    /** What a bureau supervises. */
    public enum Kind {
        MARITIME,
        TRANSPORT,
        ENVIRONMENT,
        CONSTRUCTION,
        URBAN_MANAGEMENT
    }

    @Id
    public UUID id;

    @Column(nullable = false, unique = true)
    public String code;

    @Column(nullable = false)
    public String name;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Kind kind;

    @ElementCollection
    @CollectionTable(name = "bureau_jurisdiction", joinColumns = @JoinColumn(name = "bureau_id"))
    @Column(name = "port_id", nullable = false)
    public Set<UUID> portIds = new HashSet<>();

    @Column(nullable = false)
    public boolean active = true;

    @Version
    public long version;

    @Column(name = "created_at", nullable = false, updatable = false)
    public Instant createdAt;
}
