package io.shoreloop.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JoinedSqlTest {

    @Test
    void theSameStatementsGiveTheSameTextEveryTime() {
        String a = "select 1";
        String b = "update t set x = ? where id = ?";
        String first = Sql.joined(new ArrayList<>(List.of(a, b)));
        assertEquals("select 1;\nupdate t set x = ? where id = ?", first);
        // a new list of the same statements (as every round trip builds): the very same text, not an equal copy
        assertSame(first, Sql.joined(new ArrayList<>(List.of(a, b))));
        assertEquals("update t set x = ? where id = ?;\nselect 1", Sql.joined(List.of(b, a)));
    }

    @Test
    void aListChangedAfterwardsDoesNotChangeWhatWasKept() {
        List<String> parts = new ArrayList<>(List.of("select 2", "select 3"));
        String text = Sql.joined(parts);
        parts.set(1, "select 4");
        assertEquals("select 2;\nselect 4", Sql.joined(parts));
        assertSame(text, Sql.joined(List.of("select 2", "select 3")));
    }
}
