// Loaded by path (DataConverter.failureConverterPath) in the worker, the client and the workflow sandbox,
// so it must stay sandbox-safe: no Node built-ins, no I/O.
//
// Temporal stores failure messages and stack traces in plaintext unless encodeCommonAttributes moves them into
// a payload, which our payload codec then encrypts. Error text is where a card number slips through most
// easily (an HTTP error quoting a comment), so history gets only "Encoded failure".
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
