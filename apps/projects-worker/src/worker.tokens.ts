/** Name of the queue the worker copies refused messages to, with the reason. */
export const DEAD_LETTER_QUEUE = Symbol('DEAD_LETTER_QUEUE');
