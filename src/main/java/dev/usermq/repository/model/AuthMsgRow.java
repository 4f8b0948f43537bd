package dev.usermq.repository.model;

import java.time.LocalDateTime;
import org.springframework.data.annotation.Id;
import org.springframework.data.annotation.ReadOnlyProperty;
import org.springframework.data.relational.core.mapping.Table;

/** A row of the {@code auth_msg} ledger: one processed inbound message and its outcome. */
@Table("auth_msg")
public record AuthMsgRow(
    @Id Long id,
    String messageId,
    String kind,
    long userId,
    String outcome,
    int processed,
    LocalDateTime processTime,
    @ReadOnlyProperty LocalDateTime createdAt) {}
