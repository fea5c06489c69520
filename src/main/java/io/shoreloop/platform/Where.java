package io.shoreloop.platform;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Builds the {@code where} part of a Panache query from optional filters, with named parameters. */
public final class Where {

    private final List<String> clauses = new ArrayList<>();
    private final Map<String, Object> params = new HashMap<>();

    /** Adds {@code clause} (using {@code :name}) when {@code value} is not null. */
    public Where and(String clause, String name, Object value) {
        if (value != null) {
            clauses.add(clause);
            params.put(name, value);
        }
        return this;
    }

    /** Adds a clause without parameters. */
    public Where and(String clause) {
        clauses.add(clause);
        return this;
    }

    /** Adds a clause with one parameter, unconditionally. */
    public Where always(String clause, String name, Object value) {
        clauses.add(clause);
        params.put(name, value);
        return this;
    }

    public String hql() {
        return clauses.isEmpty() ? "1 = 1" : String.join(" and ", clauses);
    }

    public Map<String, Object> params() {
        return params;
    }
}
