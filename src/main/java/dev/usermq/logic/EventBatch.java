package dev.usermq.logic;

import dev.usermq.repository.model.OutboxRow;
import java.util.List;

/** Committed outbound events waiting to be published. */
public interface EventBatch {

  List<OutboxRow> events();
}
