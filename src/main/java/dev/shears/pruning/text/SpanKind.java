package dev.shears.pruning.text;

public enum SpanKind { PROSE, HEADING, LIST_ITEM, TABLE_ROW, CODE_BLOCK }
