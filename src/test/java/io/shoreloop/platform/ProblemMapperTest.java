package io.shoreloop.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.persistence.PersistenceException;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the last-resort mapper answers for database errors that are not the service's own problems. */
class ProblemMapperTest {

    private final ProblemMapper mapper = new ProblemMapper(new ObjectMapper());

    @Test
    void aUniqueViolationFromAConcurrentRequestIsAConflictNotAnInternalError() throws Exception {
        // as Hibernate reports it when two requests insert the same code at once and the second one flushes
        Throwable lost = new PersistenceException(
                "could not execute statement",
                new org.hibernate.exception.ConstraintViolationException(
                        "duplicate key", new SQLException("duplicate key value", "23505"), "port_operator_code_key"));
        Response answer = mapper.unexpected(lost, null);
        assertEquals(409, answer.getStatus());
        String body = String.valueOf(answer.getEntity());
        assertEquals(
                "urn:shoreloop:problem:duplicate",
                new ObjectMapper().readTree(body).get("type").asText());
        assertFalse(body.contains("port_operator_code_key"), "no database names in the answer");
    }

    @Test
    void anUpdateThatLostARaceIs412WhenItNamedAVersionAnd409Otherwise() throws Exception {
        // two PUTs with one If-Match: both passed the version check, the later flush lost (contract.md: a stale
        // If-Match is 412)
        Response named =
                mapper.optimisticLock(new jakarta.persistence.OptimisticLockException(), null, headers("\"3\""));
        assertEquals(412, named.getStatus());
        assertEquals(
                "urn:shoreloop:problem:stale-version",
                new ObjectMapper()
                        .readTree(String.valueOf(named.getEntity()))
                        .get("type")
                        .asText());
        Response unnamed =
                mapper.optimisticLock(new jakarta.persistence.OptimisticLockException(), null, headers(null));
        assertEquals(409, unnamed.getStatus());
        assertEquals(
                "urn:shoreloop:problem:concurrent-update",
                new ObjectMapper()
                        .readTree(String.valueOf(unnamed.getEntity()))
                        .get("type")
                        .asText());
    }

    /** Request headers holding only {@code If-Match} (null: none). */
    private static jakarta.ws.rs.core.HttpHeaders headers(String ifMatch) {
        return (jakarta.ws.rs.core.HttpHeaders) java.lang.reflect.Proxy.newProxyInstance(
                ProblemMapperTest.class.getClassLoader(),
                new Class<?>[] {jakarta.ws.rs.core.HttpHeaders.class},
                (proxy, method, args) ->
                        method.getName().equals("getHeaderString") && "If-Match".equals(args[0]) ? ifMatch : null);
    }

    @Test
    void aValueTheDatabaseRefusesIs422WithoutItsNames() throws Exception {
        Throwable refused = new PersistenceException(
                "could not execute statement",
                new org.hibernate.exception.ConstraintViolationException(
                        "check",
                        new SQLException("violates check constraint \"meter_register_modulus_kwh_check\"", "23514"),
                        "meter_register_modulus_kwh_check"));
        Response answer = mapper.unexpected(refused, null);
        assertEquals(422, answer.getStatus());
        String body = String.valueOf(answer.getEntity());
        assertFalse(body.contains("meter_register"), "no database names in the answer");
        assertEquals(
                422,
                mapper.unexpected(new RuntimeException(new SQLException("numeric field overflow", "22003")), null)
                        .getStatus());
        // what the input rules keep from the database, should one slip through: a NUL in text, a year it cannot hold
        for (String state : List.of("22021", "22008", "22001", "22P05")) {
            assertEquals(
                    422,
                    mapper.unexpected(new Sql.Failure("select ?", new SQLException("refused", state)), null)
                            .getStatus(),
                    state);
        }
    }

    @Test
    void aDatabaseThatCrashedOrIsRecoveringIsUnavailable() {
        for (String state : new String[] {"57P01", "57P02", "57P03", "08006"}) {
            Throwable down = new RuntimeException(new SQLException("terminating connection", state));
            Response answer = mapper.unexpected(down, null);
            assertEquals(503, answer.getStatus(), state);
            assertEquals("5", answer.getHeaderString("Retry-After"), state);
        }
    }

    @Test
    void aCommitThatLostItsConnectionIsUnavailable() {
        // as Narayana reports it: the driver's I/O error suppressed in the RollbackException
        Exception rollback = new jakarta.transaction.RollbackException("ARJUNA016053: Could not commit transaction.");
        rollback.addSuppressed(
                new javax.transaction.xa.XAException("Error trying to transactionCommit local transaction")
                        .initCause(new SQLException("An I/O error occurred while sending to the backend.", "08006")));
        assertEquals(
                503, mapper.unexpected(new RuntimeException(rollback), null).getStatus());
    }

    @Test
    void aPoolWithoutAFreeConnectionIsBusy() {
        // what Agroal throws when every connection stayed busy for the acquisition timeout, as Hibernate wraps it
        Throwable exhausted = new org.hibernate.exception.GenericJDBCException(
                "Unable to acquire JDBC Connection", new SQLException("Sorry, acquisition timeout!"));
        Response answer = mapper.unexpected(new PersistenceException(exhausted), null);
        assertEquals(503, answer.getStatus());
        assertEquals("1", answer.getHeaderString("Retry-After"));
        assertEquals(
                500,
                mapper.unexpected(new RuntimeException(new SQLException("something else")), null)
                        .getStatus());
    }

    @Test
    void otherDatabaseErrorsStayInternal() {
        Throwable other = new PersistenceException(new SQLException("division by zero", "22012"));
        assertEquals(500, mapper.unexpected(other, null).getStatus());
        assertTrue(ProblemMapper.causedByUniqueViolation(new RuntimeException(new SQLException("x", "23505"))));
        assertFalse(ProblemMapper.causedByUniqueViolation(new RuntimeException("no cause")));
    }
}
