package dev.usermq.repository.xredis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.usermq.repository.model.UserRow;
import dev.usermq.repository.model.UserThirdAuthRow;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Cache entries' timestamps read by hand: the same values as Jackson's own reader gives. */
class IsoLocalDateTimeDeserializerTest {

  private final ObjectMapper cacheJson = RedisConfiguration.json();

  @Test
  void everyTimestampAnEntryCanHoldReadsBackAsItWasWritten() throws Exception {
    Random random = new Random(20_260_115L);
    for (int i = 0; i < 20_000; i++) {
      LocalDateTime t =
          LocalDateTime.of(
              1 + random.nextInt(9_999),
              1 + random.nextInt(12),
              1 + random.nextInt(28),
              random.nextInt(24),
              random.nextInt(60),
              random.nextInt(60),
              nanos(random));
      CachedUser entry =
          new CachedUser(
              new UserRow(7L, "n", "a", UserRow.ACTIVE, 3, t, t.plusNanos(1)),
              List.of(new UserThirdAuthRow(9L, 7, "wechat", "o-1", "u-1", t)));

      assertThat(cacheJson.readValue(cacheJson.writeValueAsString(entry), CachedUser.class))
          .isEqualTo(entry);
    }
  }

  @Test
  void otherFormsAreReadAsJacksonsOwnReaderReadsThem() {
    ObjectMapper jackson = new ObjectMapper().registerModule(new JavaTimeModule());
    for (String json :
        List.of(
            "\"2026-01-15T08:30\"",
            "[2026,1,15,8,30,5]",
            "\"2026-01-15T08:30:05.5\"",
            "\"2026-02-30T08:30:05\"",
            "\"2026-01-15T08:30:05.\"",
            "\"12026-01-15T08:30:05\"",
            "\"not a time\"")) {
      assertThat(outcome(cacheJson, json)).as(json).isEqualTo(outcome(jackson, json));
    }
  }

  /** The value read, or the class of the failure. */
  private static Object outcome(ObjectMapper mapper, String json) {
    try {
      return mapper.readValue(json, LocalDateTime.class);
    } catch (JsonProcessingException e) {
      return e.getClass();
    }
  }

  @Test
  void theHandParserTakesOnlyItsOwnForm() {
    assertThat(IsoLocalDateTimeDeserializer.parse("2026-01-15T08:30:05.123456789"))
        .isEqualTo(LocalDateTime.of(2026, 1, 15, 8, 30, 5, 123_456_789));
    assertThat(IsoLocalDateTimeDeserializer.parse("2026-01-15T08:30:05"))
        .isEqualTo(LocalDateTime.of(2026, 1, 15, 8, 30, 5));
    assertThat(IsoLocalDateTimeDeserializer.parse("2026-01-15T08:30")).isNull();
    assertThat(IsoLocalDateTimeDeserializer.parse("2026-01-15 08:30:05")).isNull();
    assertThat(IsoLocalDateTimeDeserializer.parse("2026-01-15T08:3x:05")).isNull();
    assertThat(IsoLocalDateTimeDeserializer.parse("2026-13-15T08:30:05")).isNull();
    assertThat(IsoLocalDateTimeDeserializer.parse("2026-01-15T08:30:05.1234567890")).isNull();
  }

  /** Nanoseconds with 0, 3, 6 or 9 significant digits, as a row's timestamps have. */
  private static int nanos(Random random) {
    return switch (random.nextInt(4)) {
      case 0 -> 0;
      case 1 -> random.nextInt(1_000) * 1_000_000;
      case 2 -> random.nextInt(1_000_000) * 1_000;
      default -> random.nextInt(1_000_000_000);
    };
  }
}
