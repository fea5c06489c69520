package io.shoreloop.identity;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shoreloop.platform.Sql;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The history of administrators' changes to user accounts, port operators and bureaus: who, when, and the object as it
 * was before and after, written in the transaction of the change. Append-only in the database ({@code V15}).
 */
@ApplicationScoped
public class AdminAudit {

    /** What was changed. */
    public enum Kind {
        USER,
        PORT_OPERATOR,
        BUREAU
    }

    /** How. */
    public enum Change {
        CREATED,
        UPDATED,
        DEACTIVATED,
        ACTIVATED;

        /** The change that sets an object's {@code active} flag to this value. */
        public static Change activeSetTo(boolean active) {
            return active ? ACTIVATED : DEACTIVATED;
        }
    }

    /** One change, with the object's representation before (none for a creation) and after it. */
    public record Entry(
            long id,
            Instant at,
            UUID actorId,
            String actorSubject,
            Kind kind,
            UUID objectId,
            Change change,
            Map<String, Object> before,
            Map<String, Object> after) {}

    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};

    private final EntityManager em;
    private final Sql sql;
    private final ObjectMapper json;

    public AdminAudit(EntityManager em, Sql sql, ObjectMapper json) {
        this.em = em;
        this.sql = sql;
        this.json = json;
    }

    /** Records a change by this actor ({@code null}: Shoreloop itself, at start-up). */
    @Transactional(Transactional.TxType.MANDATORY)
    public void record(Actor actor, Kind kind, UUID objectId, Change change, Object before, Object after) {
        em.createNativeQuery("insert into admin_audit (actor_id, actor_subject, object_kind, object_id, change, before,"
                        + " after) values (?1, ?2, ?3, ?4, ?5, cast(?6 as jsonb), cast(?7 as jsonb))")
                .setParameter(1, actor == null ? null : actor.userId())
                .setParameter(2, actor == null ? "shoreloop:bootstrap" : actor.subject())
                .setParameter(3, kind.name())
                .setParameter(4, objectId)
                .setParameter(5, change.name())
                .setParameter(6, before == null ? null : write(before))
                .setParameter(7, write(after))
                .executeUpdate();
    }

    /** The changes of one object, oldest first. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<Entry> history(UUID objectId) {
        return sql.list(
                "select id, at, actor_id, actor_subject, object_kind, object_id, change, cast(before as text),"
                        + " cast(after as text) from admin_audit where object_id = ? order by id",
                rs -> new Entry(
                        rs.getLong(1),
                        Sql.instant(rs, 2),
                        Sql.uuid(rs, 3),
                        rs.getString(4),
                        Sql.enumOf(rs, 5, Kind.class),
                        Sql.uuid(rs, 6),
                        Sql.enumOf(rs, 7, Change.class),
                        read(rs.getString(8)),
                        read(rs.getString(9))),
                objectId);
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the audit record", e);
        }
    }

    private Map<String, Object> read(String text) {
        if (text == null) {
            return null;
        }
        try {
            return json.readValue(text, OBJECT);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot read the audit record", e);
        }
    }
}
