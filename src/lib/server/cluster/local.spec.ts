import { createLocalCluster, LocalHub } from './local';
import { registerClusterContract } from './contract';

registerClusterContract('local', async () => {
	const hub = new LocalHub();
	const a = createLocalCluster(hub);
	const b = createLocalCluster(hub);
	return {
		a,
		b,
		async close() {
			await a.close();
			await b.close();
		}
	};
});
