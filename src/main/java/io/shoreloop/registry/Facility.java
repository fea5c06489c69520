package io.shoreloop.registry;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Embeddable;
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

/**
 * A reception facility, transport company or disposal plant, with the (activity, stream) pairs it is licensed for:
 * a plant without a licence to dispose of tank-washing water cannot confirm its disposal.
 */
@Entity
@Table(name = "facility")
public class Facility extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(nullable = false, unique = true)
    public String code;

    @Column(nullable = false)
    public String name;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public FacilityKind kind;

    @Column(name = "port_id")
    public UUID portId;

    public String address;

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "facility_licence", joinColumns = @JoinColumn(name = "facility_id"))
    public List<Licence> licences = new ArrayList<>();

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "facility_vehicle", joinColumns = @JoinColumn(name = "facility_id"))
    public List<Vehicle> vehicles = new ArrayList<>();

    @Column(nullable = false)
    public boolean active = true;

    @Version
    public long version;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** One licensed (activity, stream) pair. */
    @Embeddable
    public static class Licence {
        @Enumerated(EnumType.STRING)
        @Column(nullable = false)
        public Activity activity;

        @Enumerated(EnumType.STRING)
        @Column(nullable = false)
        public Stream stream;
    }

    /** A truck, barge or pipeline of a transport company. */
    @Embeddable
    public static class Vehicle {
        @Column(nullable = false)
        public String identifier;

        @Enumerated(EnumType.STRING)
        @Column(nullable = false)
        public VehicleKind kind;

        public BigDecimal capacity;
    }

    /** Kinds of transport. */
    public enum VehicleKind {
        TRUCK,
        BARGE,
        PIPELINE
    }
}
