/** Beans the YAML routes call: validation, failure classification, counters, the outbox relay. */
package dev.usermq.mq;
