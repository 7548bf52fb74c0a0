// The app on an in-memory backend: for browser tests and demonstrations without Tauri.
// The page's query chooses the scenario: ?event=organiser|facilitator|rapporteur|panel|open,
// ?sync=off|up_to_date|syncing|revoked|expired|offline, ?link=recolte://join?… (as if the
// system had opened the app with that link), ?lang=en, ?serve=off|on|port_taken|no_announce,
// ?nearby=two|none|error, ?bundle=ok|cancel|corrupted|truncated|foreign, ?seed=plenary (the event as the
// closing plenary finds it: consolidated proposals, another panel member's votes), ?seed=theme2000
// (2,000 proposals in theme 1, for the rapporteur's screen benchmark), ?read_only=TEXT (the
// store could only be opened for reading; TEXT is what the app says about it).
import { installMockBackend, type MockOptions } from './mock-backend'
import { start } from './app'

const query = new URLSearchParams(location.search)
installMockBackend({
  event: (query.get('event') as MockOptions['event']) ?? undefined,
  sync: (query.get('sync') as MockOptions['sync']) ?? undefined,
  pendingLink: query.get('link'),
  lang: query.get('lang') === 'en' ? 'en' : undefined,
  serve: (query.get('serve') as MockOptions['serve']) ?? undefined,
  nearby: (query.get('nearby') as MockOptions['nearby']) ?? undefined,
  bundle: (query.get('bundle') as MockOptions['bundle']) ?? undefined,
  readOnly: query.get('read_only') ?? undefined,
  seed: query.get('seed') === 'plenary' ? 'plenary' : query.get('seed') === 'theme2000' ? 'theme2000' : undefined,
  // Slow enough to see the search and the progress bar, as on a real network and USB key.
  delayMs: 120,
})
const root = document.getElementById('app')
if (root) void start(root)
