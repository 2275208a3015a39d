/** A change or document that does not fit the assessment model; the message says what to fix. */
export class InvalidInputError extends Error {
  readonly code = 'invalid-input' as const;
  constructor(message: string) {
    super(message);
    this.name = 'InvalidInputError';
  }
}
