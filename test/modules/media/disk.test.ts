import { mediaSuite, startSuiteApp } from './suite'

// Media on the embedded disk store: DATA_DIR/media, served by Hearth with signed URLs.
mediaSuite(await startSuiteApp('disk'))
