// The app on an in-memory backend: for browser tests and demonstrations without Tauri.
import { installMockBackend } from './mock-backend'
import { start } from './app'

installMockBackend()
const root = document.getElementById('app')
if (root) void start(root)
