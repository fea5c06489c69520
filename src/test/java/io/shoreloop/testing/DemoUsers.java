package io.shoreloop.testing;

import static io.restassured.RestAssured.given;

import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bearer tokens of the demo users (tests run with demo data loaded), fetched once from {@code /api/v1/demo/tokens}.
 * {@code as("demo-admin")} gives a REST Assured request signed in as that user.
 */
public final class DemoUsers {

    public static final String ADMIN = "demo-admin";
    public static final String CREW_YU_CONTAINER = "demo-crew-yu-container-1";
    public static final String CREW_CHANGJIANG = "demo-crew-changjiang-1";
    public static final String CREW_CHANGHUA = "demo-crew-changhua-9";
    public static final String RECEIVER_GUOYUAN = "demo-receiver-guoyuan";
    public static final String TRANSPORTER = "demo-transporter-yuhuan";
    public static final String DISPOSER_HAZWASTE = "demo-disposer-hazwaste";
    public static final String DISPOSER_SEWAGE_PLANT = "demo-disposer-sewage-plant";
    public static final String RECEIVER_CHUANWEI = "demo-receiver-chuanwei";
    public static final String OPERATOR_GUOYUAN = "demo-operator-guoyuan";
    public static final String OPERATOR_CHAOTIANMEN = "demo-operator-chaotianmen";
    public static final String OPERATOR_CHANGSHOU = "demo-operator-changshou";
    public static final String BUREAU_MSA = "demo-bureau-msa";
    public static final String BUREAU_CHANGSHOU = "demo-bureau-changshou";

    // Demo ids (see src/main/resources/demo/demo-data.sql)
    public static final String PORT_GUOYUAN = "00000000-0000-0000-0003-000000000001";
    public static final String PORT_CHAOTIANMEN = "00000000-0000-0000-0003-000000000002";
    public static final String PORT_CHANGSHOU = "00000000-0000-0000-0003-000000000003";
    public static final String BERTH_GY_B01 = "00000000-0000-0000-0004-000000000001";
    public static final String BERTH_GY_B03 = "00000000-0000-0000-0004-000000000003";
    public static final String BERTH_CS_C01 = "00000000-0000-0000-0004-000000000006";
    public static final String VESSEL_YU_CONTAINER = "00000000-0000-0000-0005-000000000001";
    public static final String VESSEL_CHANGJIANG = "00000000-0000-0000-0005-000000000003";
    public static final String VESSEL_YU_CARGO = "00000000-0000-0000-0005-000000000004";
    public static final String VESSEL_CHANGHUA = "00000000-0000-0000-0005-000000000005";
    public static final String FACILITY_GUOYUAN = "00000000-0000-0000-0006-000000000001";
    public static final String FACILITY_CHUANWEI = "00000000-0000-0000-0006-000000000002";
    public static final String FACILITY_TRANSPORTER = "00000000-0000-0000-0006-000000000004";
    public static final String FACILITY_SEWAGE_PLANT = "00000000-0000-0000-0006-000000000005";
    public static final String FACILITY_HAZWASTE = "00000000-0000-0000-0006-000000000006";
    public static final String METER_GY_B01 = "00000000-0000-0000-0007-000000000001";
    public static final String METER_CTM_B03 = "00000000-0000-0000-0007-000000000003";
    public static final String CALL_CHANGHUA = "00000000-0000-0000-0008-000000000005";
    public static final String CALL_YU_CONTAINER_OPEN = "00000000-0000-0000-0008-000000000006";

    private static final Map<String, String> TOKENS = new ConcurrentHashMap<>();

    private DemoUsers() {}

    public static String token(String subject) {
        if (TOKENS.isEmpty()) {
            List<Map<String, Object>> users = given().get("/api/v1/demo/tokens")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath()
                    .getList("$");
            users.forEach(u -> TOKENS.put((String) u.get("subject"), (String) u.get("token")));
        }
        String token = TOKENS.get(subject);
        if (token == null) {
            throw new IllegalArgumentException("No demo user " + subject);
        }
        return token;
    }

    public static RequestSpecification as(String subject) {
        return given().header("Authorization", "Bearer " + token(subject)).contentType("application/json");
    }
}
