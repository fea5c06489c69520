package io.shoreloop.identity;

import io.shoreloop.platform.DomainException;
import io.shoreloop.platform.Paging;
import io.shoreloop.platform.ProblemKind;
import io.shoreloop.platform.Problems;
import io.shoreloop.platform.Versions;
import io.shoreloop.platform.Where;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * User accounts, kept by administrators: the token subject (from the organisation's identity provider), the role and
 * the party the user acts for. A change applies to the user's next request: a deactivated user is refused at once, a
 * user moved to another party must sign in again (tokens carry the old party), a new role is read from here (never
 * from the token). The last active administrator can be neither deactivated nor given another role, so that the
 * deployment is never left without one.
 */
@ApplicationScoped
@Transactional
public class UserService {

    private static final Logger LOG = Logger.getLogger("io.shoreloop.access");

    /** What a client sends to create or update a user. */
    public record UserInput(
            @NotBlank @Size(max = 255) @Pattern(regexp = "^\\S+$", message = "no spaces")
            String subject,

            @NotBlank @Size(max = 200) String displayName,
            @NotNull Role role,
            UUID partyId) {}

    /** A user as answered, with the name of the party it acts for. */
    public record UserView(
            UUID id,
            String subject,
            String displayName,
            Role role,
            UUID partyId,
            String partyName,
            /** Whether the party is active: while it is not, the user is refused as if deactivated. */
            boolean partyActive,
            boolean active,
            boolean demo,
            long version) {}

    /** List filters. */
    public record UserFilter(String subject, Role role, UUID partyId, Boolean includeInactive) {}

    /** The change would leave no active administrator. */
    public static final class LastAdministrator extends DomainException {
        LastAdministrator() {
            super(
                    ProblemKind.CONFLICT,
                    "last-admin",
                    "This is the last active administrator: make another user an administrator first");
        }
    }

    private final Guard guard;
    private final EntityManager em;
    private final AdminAudit audit;

    public UserService(Guard guard, EntityManager em, AdminAudit audit) {
        this.guard = guard;
        this.em = em;
        this.audit = audit;
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public Paging.Page<UserView> list(Actor actor, UserFilter filter, Paging.Request page) {
        if (AccessPolicy.scope(actor, AccessPolicy.Listing.USERS).isNone()) {
            return new Paging.Page<>(List.of(), page.page(), page.size(), 0);
        }
        Where where = new Where()
                .and("subject = :subject", "subject", filter.subject())
                .and("role = :role", "role", filter.role())
                .and("partyId = :party", "party", filter.partyId());
        if (!Boolean.TRUE.equals(filter.includeInactive())) {
            where.and("active = true");
        }
        return Paging.of(AppUser.<AppUser>find(where.hql() + " order by subject", where.params()), page, this::view);
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public UserView get(Actor actor, UUID id) {
        return view(load(actor, id, Action.READ));
    }

    /** The signed-in user's own account (every user may read it). */
    @Transactional(Transactional.TxType.SUPPORTS)
    public UserView me(Actor actor) {
        AppUser user = AppUser.findById(actor.userId());
        if (user == null) {
            throw new Problems.NotFound("User " + actor.userId());
        }
        return view(user);
    }

    /** The administrators' changes to this user, oldest first (for those who may change it). */
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<AdminAudit.Entry> history(Actor actor, UUID id) {
        load(actor, id, Action.UPDATE);
        return audit.history(id);
    }

    public UserView create(Actor actor, UserInput input) {
        guard.require(actor, Action.CREATE, new Guarded.UserRef(null), "User");
        uniqueSubject(input.subject(), null);
        checkParty(input.role(), input.partyId());
        AppUser user = new AppUser();
        user.id = UUID.randomUUID();
        user.subject = input.subject();
        user.displayName = input.displayName();
        user.role = input.role();
        user.partyId = input.partyId();
        user.persistAndFlush();
        LOG.infof(
                "user %s (%s) created by %s: role=%s party=%s",
                user.subject, user.id, actor.subject(), user.role.claim(), user.partyId);
        UserView view = view(user);
        audit.record(actor, AdminAudit.Kind.USER, user.id, AdminAudit.Change.CREATED, null, view);
        return view;
    }

    public UserView update(Actor actor, UUID id, long expectedVersion, UserInput input) {
        AppUser user = load(actor, id, Action.UPDATE);
        Versions.check(user.version, expectedVersion);
        uniqueSubject(input.subject(), user.id);
        if (input.role() != user.role || !Objects.equals(input.partyId(), user.partyId)) {
            checkParty(input.role(), input.partyId());
        }
        if (user.role == Role.ADMIN && input.role() != Role.ADMIN && user.active) {
            requireAnotherAdmin(user.id);
        }
        UserView was = view(user);
        String before = user.subject + " role=" + user.role.claim() + " party=" + user.partyId;
        user.subject = input.subject();
        user.displayName = input.displayName();
        user.role = input.role();
        user.partyId = input.partyId();
        user.persistAndFlush();
        LOG.infof(
                "user %s updated by %s: %s -> %s role=%s party=%s",
                user.id, actor.subject(), before, user.subject, user.role.claim(), user.partyId);
        UserView view = view(user);
        audit.record(actor, AdminAudit.Kind.USER, user.id, AdminAudit.Change.UPDATED, was, view);
        return view;
    }

    public UserView setActive(Actor actor, UUID id, long expectedVersion, boolean active) {
        AppUser user = load(actor, id, Action.DEACTIVATE);
        Versions.check(user.version, expectedVersion);
        if (user.active == active) {
            return view(user);
        }
        if (!active && user.role == Role.ADMIN) {
            requireAnotherAdmin(user.id);
        }
        UserView was = view(user);
        user.active = active;
        user.persistAndFlush();
        LOG.infof(
                "user %s (%s) %s by %s", user.subject, user.id, active ? "activated" : "deactivated", actor.subject());
        UserView view = view(user);
        audit.record(actor, AdminAudit.Kind.USER, user.id, AdminAudit.Change.activeSetTo(active), was, view);
        return view;
    }

    private AppUser load(Actor actor, UUID id, Action action) {
        AppUser user = AppUser.findById(id);
        if (user == null) {
            throw new Problems.NotFound("User " + id);
        }
        guard.require(actor, action, new Guarded.UserRef(user.id), "User " + id);
        return user;
    }

    /**
     * Refuses unless an active administrator other than this user remains. Locks the active administrators' rows
     * first, so that two administrators deactivating each other at the same moment cannot both succeed.
     */
    private void requireAnotherAdmin(UUID self) {
        List<?> admins = em.createNativeQuery("select id from app_user where role = 'ADMIN' and active for update")
                .getResultList();
        boolean another = admins.stream().anyMatch(id -> !self.equals(id));
        if (!another) {
            throw new LastAdministrator();
        }
    }

    private static void uniqueSubject(String subject, UUID self) {
        if (AppUser.count("subject = ?1 and id <> ?2", subject, self == null ? new UUID(0, 0) : self) > 0) {
            throw new Problems.DuplicateKey("subject", "A user with subject '" + subject + "' already exists");
        }
    }

    /** The party must be an active one of the kind the role acts for; an administrator acts for none. */
    private void checkParty(Role role, UUID partyId) {
        if (role.partyKind() == Role.PartyKind.NONE) {
            if (partyId != null) {
                throw new Problems.InvalidField(
                        "party-not-allowed", "partyId", "An administrator acts for no party: leave partyId out");
            }
            return;
        }
        if (partyId == null) {
            throw new Problems.InvalidField(
                    "party-required",
                    "partyId",
                    "A user in role " + role.claim() + " acts for a " + noun(role.partyKind())
                            + ": partyId is required");
        }
        List<?> found = em.createNativeQuery("select 1 from " + table(role.partyKind()) + " where id = ?1 and active")
                .setParameter(1, partyId)
                .getResultList();
        if (found.isEmpty()) {
            throw new Problems.UnknownReference("partyId", "active " + noun(role.partyKind()));
        }
    }

    /** The user as answered (and as the audit keeps it). */
    UserView view(AppUser u) {
        String party = null;
        boolean partyActive = true;
        if (u.partyId != null && u.role.partyKind() != Role.PartyKind.NONE) {
            List<?> rows = em.createNativeQuery(
                            "select name, active from " + table(u.role.partyKind()) + " where id = ?1")
                    .setParameter(1, u.partyId)
                    .getResultList();
            Object[] row = rows.isEmpty() ? null : (Object[]) rows.get(0);
            party = row == null ? null : String.valueOf(row[0]);
            partyActive = row != null && Boolean.TRUE.equals(row[1]);
        }
        return new UserView(
                u.id, u.subject, u.displayName, u.role, u.partyId, party, partyActive, u.active, u.demo, u.version);
    }

    private static String table(Role.PartyKind kind) {
        return switch (kind) {
            case VESSEL -> "vessel";
            case FACILITY -> "facility";
            case PORT_OPERATOR -> "port_operator";
            case BUREAU -> "bureau";
            case NONE -> throw new IllegalArgumentException("no party table");
        };
    }

    private static String noun(Role.PartyKind kind) {
        return switch (kind) {
            case VESSEL -> "vessel";
            case FACILITY -> "facility";
            case PORT_OPERATOR -> "port operator";
            case BUREAU -> "bureau";
            case NONE -> "nothing";
        };
    }
}
