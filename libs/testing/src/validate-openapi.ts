import { spawn } from 'node:child_process';

/**
 * Validates an OpenAPI document with @apidevtools/swagger-parser (the OpenAPI 3.1 schema, unique
 * operation ids, declared path parameters). In a child Node process: the validator is published as
 * ES modules, which Node loads from CommonJS but the test runner's module system does not.
 */
export function validateOpenApi(document: unknown): Promise<void> {
  const validator = require.resolve('@apidevtools/swagger-parser');
  const script = `
    let input = '';
    process.stdin.on('data', (c) => (input += c));
    process.stdin.on('end', () => {
      require(${JSON.stringify(validator)}).validate(JSON.parse(input)).then(
        () => process.exit(0),
        (err) => { process.stderr.write(err.message); process.exit(1); },
      );
    });`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'ignore', 'pipe'] });
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`not a valid OpenAPI document: ${errors}`)),
    );
    child.stdin.end(JSON.stringify(document));
  });
}
