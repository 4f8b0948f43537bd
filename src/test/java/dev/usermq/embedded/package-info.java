/** Real servers started in or beside the JVM when no external endpoint is configured. */
package dev.usermq.embedded;
