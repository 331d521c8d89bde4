// `lab push NAME[:TAG]`: upload a local image to the registry named in NAME (docker push).
import { transferCommand } from './registry-transfer.ts';

export default transferCommand(
  'push an image to a registry',
  'Usage: lab push [--insecure] NAME[:TAG]   (e.g. lab push 127.0.0.1:5000/alice/app:v1)',
  'push',
);
