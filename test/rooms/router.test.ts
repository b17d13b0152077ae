import { LocalRouter } from '../../rooms'
import { openRoomsTestbed } from '../helpers/rooms'
import { routerContract } from '../helpers/router-contract'

routerContract('LocalRouter', async () => {
  const bed = await openRoomsTestbed({}, { manualClose: true })
  return {
    router: new LocalRouter({ host: bed.host() }),
    users: await bed.createUsers(3),
    close: () => bed.close(),
  }
})
