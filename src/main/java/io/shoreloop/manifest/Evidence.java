package io.shoreloop.manifest;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Basic;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A photo, weighbridge ticket or flowmeter log uploaded for a manifest, identified by the SHA-256 of its bytes.
 * A step that cites it signs that hash; the database refuses changes to stored evidence.
 */
@Entity
@Table(name = "manifest_evidence")
public class Evidence extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "manifest_id", nullable = false)
    public UUID manifestId;

    @Column(nullable = false)
    public String sha256;

    @Column(name = "content_type", nullable = false)
    public String contentType;

    @Column(name = "size_bytes", nullable = false)
    public int sizeBytes;

    public String filename;

    public BigDecimal latitude;

    public BigDecimal longitude;

    public String note;

    @Column(name = "uploaded_by", nullable = false)
    public UUID uploadedBy;

    @Column(name = "party_id")
    public UUID partyId;

    @Column(name = "uploaded_at", nullable = false)
    public Instant uploadedAt;

    @Basic(fetch = FetchType.LAZY)
    @Column(nullable = false)
    public byte[] content;

    public static List<Evidence> of(UUID manifestId) {
        return list("manifestId = ?1 order by uploadedAt", manifestId);
    }
}
