package io.shoreloop.identity;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A user known to Shoreloop: the token subject, the role and the party the user acts for. Tokens only identify the
 * user; role and party always come from here, so deactivating a user or moving them to another party takes effect
 * on their next request.
 */
@Entity
@Table(name = "app_user")
public class AppUser extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(nullable = false, unique = true)
    public String subject;

    @Column(name = "display_name", nullable = false)
    public String displayName;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Role role;

    @Column(name = "party_id")
    public UUID partyId;

    @Column(nullable = false)
    public boolean active = true;

    @Column(nullable = false)
    public boolean demo;

    @Version
    public long version;

    public static Optional<AppUser> bySubject(String subject) {
        return find("subject", subject).firstResultOptional();
    }

    public static List<AppUser> demoUsers() {
        return list("demo = true and active = true order by role, displayName");
    }
}
