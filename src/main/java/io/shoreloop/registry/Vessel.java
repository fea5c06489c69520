package io.shoreloop.registry;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Embeddable;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** A vessel (船舶) with its shore-power receiving facility and collection tanks (集污舱). */
@Entity
@Table(name = "vessel")
public class Vessel extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(nullable = false)
    public String name;

    @Column(nullable = false, unique = true)
    public String mmsi;

    public String imo;

    @Column(name = "cn_ship_id")
    public String cnShipId;

    @Enumerated(EnumType.STRING)
    @Column(name = "vessel_type", nullable = false)
    public VesselType type;

    @Column(name = "gross_tonnage")
    public BigDecimal grossTonnage;

    @Column(name = "crew_capacity")
    public Integer crewCapacity;

    @Column(name = "home_port_id")
    public UUID homePortId;

    @Embedded
    public ShorePower shorePower = new ShorePower();

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "vessel_tank", joinColumns = @JoinColumn(name = "vessel_id"))
    public List<Tank> tanks = new ArrayList<>();

    @Column(nullable = false)
    public boolean active = true;

    @Version
    public long version;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** A collection tank for one stream. */
    @Embeddable
    public static class Tank {
        @Enumerated(EnumType.STRING)
        @Column(nullable = false)
        public Stream stream;

        @Column(nullable = false)
        public BigDecimal capacity;

        @Enumerated(EnumType.STRING)
        @Column(nullable = false)
        public QuantityUnit unit;
    }
}
