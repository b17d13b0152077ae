// Small line icons drawn here (no icon font, no emoji font needed): decorative, so the
// control around each one carries the accessible name.
const paths = {
  bell: 'M6 16V10a6 6 0 0 1 12 0v6l2 2H4zM10 20a2 2 0 0 0 4 0',
  clip: 'M15 7l-6.5 6.5a2 2 0 0 0 3 3L18 10a4 4 0 0 0-6-6l-7 7a6 6 0 0 0 9 9l5-5',
  poll: 'M5 20V11M12 20V5M19 20v-6M3 20h18',
  plus: 'M12 5v14M5 12h14',
  lock: 'M7 11V8a5 5 0 0 1 10 0v3M5 11h14v9H5z',
  menu: 'M4 7h16M4 12h16M4 17h16',
  close: 'M6 6l12 12M18 6L6 18',
  smile: 'M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18M8.5 14a4 4 0 0 0 7 0M9 9.5h.01M15 9.5h.01',
}

export function Icon({ name }: { name: keyof typeof paths }) {
  return (
    <svg class="icon-svg" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
      <path d={paths[name]} fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" />
    </svg>
  )
}
