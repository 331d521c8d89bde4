// `lab pull NAME[:TAG|@DIGEST]`: download an image into the local store so FROM can use it.
import { transferCommand } from './registry-transfer.ts';

export default transferCommand(
  'pull an image from a registry',
  'Usage: lab pull [--insecure] NAME[:TAG|@DIGEST]   (e.g. lab pull 127.0.0.1:5000/alice/app:v1)',
  'pull',
);
