package io.shoreloop.identity;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.OffsetDateTime;
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
        ACTIVATED
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
    private final ObjectMapper json;

    public AdminAudit(EntityManager em, ObjectMapper json) {
        this.em = em;
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
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("select id, at, actor_id, actor_subject, object_kind, object_id,"
                        + " change, cast(before as text), cast(after as text) from admin_audit where object_id = ?1"
                        + " order by id")
                .setParameter(1, objectId)
                .getResultList();
        return rows.stream()
                .map(r -> new Entry(
                        ((Number) r[0]).longValue(),
                        instant(r[1]),
                        (UUID) r[2],
                        (String) r[3],
                        Kind.valueOf((String) r[4]),
                        (UUID) r[5],
                        Change.valueOf((String) r[6]),
                        read((String) r[7]),
                        read((String) r[8])))
                .toList();
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

    private static Instant instant(Object at) {
        if (at instanceof Instant i) {
            return i;
        }
        if (at instanceof OffsetDateTime o) {
            return o.toInstant();
        }
        return ((java.sql.Timestamp) at).toInstant();
    }
}
