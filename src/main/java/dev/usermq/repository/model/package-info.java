/**
 * One model per table. Spring Data JDBC derives the CRUD base of each (what the seed generated into
 * {@code xxx_model_gen.go}); the interface adds the hand-written queries, and the models a
 * message's transaction inserts into save a new row with a written-out INSERT ({@link
 * dev.usermq.repository.model.InsertingSave}). Migrations live in {@code db/migration} and run on
 * MySQL 8 and MariaDB 10.11+.
 */
package dev.usermq.repository.model;
