/**
 * One model per table. Spring Data JDBC derives the CRUD base of each (what the seed generated into
 * {@code xxx_model_gen.go}); the interface adds the hand-written queries. Migrations live in {@code
 * db/migration} and run on MySQL 8 and MariaDB 10.11+.
 */
package dev.usermq.repository.model;
