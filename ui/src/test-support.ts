// Helpers shared by the interface's tests in jsdom.
import { clearMocks } from '@tauri-apps/api/mocks'
import { start } from './app'
import { installMockBackend, type MockOptions } from './mock-backend'

/** Lets the promises and timers of a step run (the mock backend answers asynchronously). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise(resolve => setTimeout(resolve, 0))
}

export function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id)
  if (!element) throw new Error(`no #${id}`)
  return element as T
}

/** Types into a field as a person would: the value, then an input event. */
export async function type(field: HTMLInputElement | HTMLTextAreaElement, text: string): Promise<void> {
  field.value = text
  field.dispatchEvent(new Event('input', { bubbles: true }))
  await settle()
}

/** A fresh window: nothing stored, the in-memory backend installed, the app started. */
export async function startApp(options: MockOptions = {}): Promise<void> {
  clearMocks()
  localStorage.clear()
  sessionStorage.clear()
  document.body.innerHTML = '<div id="app"></div>'
  installMockBackend(options)
  await start(byId('app'))
  await settle()
}
