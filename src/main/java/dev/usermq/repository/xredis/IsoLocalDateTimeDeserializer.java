package dev.usermq.repository.xredis;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.datatype.jsr310.deser.LocalDateTimeDeserializer;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.LocalDateTime;

/**
 * Reads the timestamps of a cached user, written as {@code ISO_LOCAL_DATE_TIME} ({@code
 * 2026-01-15T08:30:00} with 0 to 9 digits of fraction), by hand. Jackson's own reader goes through
 * {@code DateTimeFormatter}, whose parsing made a fifth of the garbage of a cached gRPC read; any
 * other form is left to it.
 */
final class IsoLocalDateTimeDeserializer extends StdScalarDeserializer<LocalDateTime> {

  private static final int[] NANOS_SCALE = {
    100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1
  };

  IsoLocalDateTimeDeserializer() {
    super(LocalDateTime.class);
  }

  @Override
  public LocalDateTime deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
    if (p.hasToken(JsonToken.VALUE_STRING)) {
      LocalDateTime parsed = parse(p.getText());
      if (parsed != null) {
        return parsed;
      }
    }
    return LocalDateTimeDeserializer.INSTANCE.deserialize(p, ctxt);
  }

  /** The date-time in {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]}; null if the text is not in it. */
  static LocalDateTime parse(String s) {
    int length = s.length();
    if (length < 19
        || length == 20
        || length > 29
        || s.charAt(4) != '-'
        || s.charAt(7) != '-'
        || s.charAt(10) != 'T'
        || s.charAt(13) != ':'
        || s.charAt(16) != ':'
        || (length > 19 && s.charAt(19) != '.')) {
      return null;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 7);
    int day = digits(s, 8, 10);
    int hour = digits(s, 11, 13);
    int minute = digits(s, 14, 16);
    int second = digits(s, 17, 19);
    int nanos = 0;
    if (length > 19) {
      int fraction = digits(s, 20, length);
      nanos = fraction < 0 ? -1 : fraction * NANOS_SCALE[length - 21];
    }
    if ((year | month | day | hour | minute | second | nanos) < 0) {
      return null;
    }
    try {
      return LocalDateTime.of(year, month, day, hour, minute, second, nanos);
    } catch (DateTimeException e) {
      return null;
    }
  }

  /** The decimal number in {@code s[from, to)}; -1 if a character is not a digit. */
  private static int digits(String s, int from, int to) {
    int value = 0;
    for (int i = from; i < to; i++) {
      int d = s.charAt(i) - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      value = value * 10 + d;
    }
    return value;
  }
}
