/** Database migrations: what the SQL scripts in {@code db/migration} need from the server. */
package dev.usermq.repository.migration;
