import { render } from 'preact'
import { App } from './src/app'

render(<App />, document.getElementById('root')!)
