package dev.usermq.repository.migration;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IdentifierCollationTest {

  @Test
  void mariadbAndMysqlEachGetTheirBinaryNoPadCollation() {
    assertThat(IdentifierCollation.forServerVersion("11.4.5-MariaDB"))
        .isEqualTo("utf8mb4_nopad_bin");
    assertThat(IdentifierCollation.forServerVersion("10.11.6-MariaDB-0+deb12u1-log"))
        .isEqualTo("utf8mb4_nopad_bin");
    assertThat(IdentifierCollation.forServerVersion("8.0.36")).isEqualTo("utf8mb4_0900_bin");
    assertThat(IdentifierCollation.forServerVersion("8.4.3-commercial"))
        .isEqualTo("utf8mb4_0900_bin");
  }
}
